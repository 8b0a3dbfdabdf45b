/**
 * Shard 3 of 4 of the authorization matrix (the matrix itself, its samples and rules are
 * in auth-matrix.ts): the shards run side by side, so the matrix takes about a quarter
 * of its serial time.
 */
import {authorizationMatrix} from './auth-matrix.js'

authorizationMatrix(3, 4)
