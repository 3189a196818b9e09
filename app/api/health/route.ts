/** Liveness probe: the e2e web server and process managers poll this. No content access on purpose. */
export const dynamic = 'force-dynamic'

export function GET() {
  return Response.json({ok: true}, {headers: {'Cache-Control': 'no-store'}})
}
