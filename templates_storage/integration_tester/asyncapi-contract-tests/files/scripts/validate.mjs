// `npm run lint`: the document parses without errors, and every documented example and
// every sample under samples/ validates against its message's payload schema.
import {relative} from 'node:path'

import {describeErrors, loadContract, messageValidators, ROOT, samples} from './contract.mjs'

const {document, errors, warnings} = await loadContract()
for (const w of warnings) console.warn(`warning ${w.path.join('.')}: ${w.message}`)
if (errors.length > 0 || !document) {
  for (const e of errors) console.error(`error ${e.path.join('.')}: ${e.message}`)
  process.exit(1)
}

const validators = messageValidators(document)
let failed = 0
const check = (label, name, payload) => {
  const entry = validators.get(name)
  if (!entry) {
    console.error(`FAIL ${label}: no message named ${name} in the contract`)
    failed++
  } else if (!entry.validate(payload)) {
    console.error(`FAIL ${label}: ${describeErrors(entry.validate.errors)}`)
    failed++
  } else {
    console.log(`ok   ${label}`)
  }
}
for (const [name, {message}] of validators) {
  for (const example of message.examples()) check(`${name} example "${example.name()}"`, name, example.payload())
}
for (const sample of samples()) check(relative(ROOT, sample.file), sample.message, sample.payload)
console.log(`${document.info().title()} ${document.info().version()}: ${validators.size} messages, ${failed} failures`)
process.exit(failed > 0 ? 1 : 0)
