/** The report shapes are a contract every layer passes around: they live in src/domain/quality.ts. */
export type {CheckId, CheckResult, CheckStatus, Finding, QualityReport, Severity} from '../domain/quality.js'
