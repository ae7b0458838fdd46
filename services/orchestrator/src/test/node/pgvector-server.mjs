// PostgreSQL with pgvector for PgvectorMemoryTest: PGlite (PostgreSQL compiled to WebAssembly) with its pgvector
// build, served over the PostgreSQL wire protocol so that the JDBC driver talks to it as to any server. It prints one
// JSON line, {"port": N, "pgvector": "x.y.z"}, and exits when its standard input closes (the test's end).
import { PGlite } from '@electric-sql/pglite'
import { vector } from '@electric-sql/pglite-pgvector'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

const db = await PGlite.create({ extensions: { vector } })
await db.exec('CREATE EXTENSION IF NOT EXISTS vector')
const version = (await db.query("SELECT extversion FROM pg_extension WHERE extname = 'vector'")).rows[0].extversion
// PGlite is a single session: the server multiplexes connections onto it, so the test uses them one at a time (two,
// as Flyway holds one while it migrates on another).
const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 2 })
await server.start()
// port 0 lets the system choose; the server keeps the port it was given
console.log(JSON.stringify({ port: server.port, pgvector: version }))
process.stdin.on('end', async () => {
  await server.stop()
  await db.close()
  process.exit(0)
})
process.stdin.resume()
