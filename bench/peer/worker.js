// The peer's Worker: runs the SQL of a D1-style /query body through the D1 binding and answers
// with the rows as JSON, so wrk sends Miniflare the same bodies it sends opend1.
//   {"sql": "...", "params": [...]}            -> one prepared statement, .all()
//   {"batch": [{"sql": "...", "params": [...]}]} -> DB.batch (one implicit transaction)
//   {"exec": "A; B; ..."}                      -> DB.exec (schema set-up)
export default {
  async fetch(request, env) {
    try {
      const body = await request.json();
      let result;
      if (body.exec !== undefined) {
        const r = await env.DB.exec(body.exec);
        result = [{ results: [], success: true, meta: { count: r.count, duration: r.duration } }];
      } else if (body.batch !== undefined) {
        result = await env.DB.batch(body.batch.map((q) => env.DB.prepare(q.sql).bind(...(q.params ?? []))));
      } else {
        result = [await env.DB.prepare(body.sql).bind(...(body.params ?? [])).all()];
      }
      return Response.json({ result, success: true, errors: [], messages: [] });
    } catch (e) {
      return Response.json({ result: null, success: false, errors: [{ code: 7500, message: String(e) }] }, { status: 400 });
    }
  },
};
