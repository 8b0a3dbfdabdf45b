// Shard 2 of the catalog check (see generated-projects.ts).
import {checkCatalogShard} from './generated-projects.js'

checkCatalogShard(2)
