// Loads proto/service.proto at run time (no generated code to keep in sync).
import {fileURLToPath} from 'node:url'

import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'

export const PROTO_PATH = fileURLToPath(new URL('../proto/service.proto', import.meta.url))

// longs as strings keep int64 prices exact; defaults so unset fields read as 0 / ''.
const definition = protoLoader.loadSync(PROTO_PATH, {keepCase: true, longs: String, enums: String, defaults: true})
const loaded = grpc.loadPackageDefinition(definition)

/** The generated service constructor of {{ proto_package }}.{{ service_name }}. */
export const Service = '{{ proto_package }}'.split('.').reduce((ns, part) => ns[part], loaded).{{ service_name }}
