// A small SQL tokenizer for SQLite's dialect, for the editor's highlighting and completion and for
// splitting a script into statements. It never fails: an unterminated string or comment runs to
// the end of the text, and any other character is an operator token.

/** SQLite's keywords (https://sqlite.org/lang_keywords.html). */
export const KEYWORDS = new Set(
  (
    "ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT BEFORE BEGIN " +
    "BETWEEN BY CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT CONSTRAINT CREATE CROSS " +
    "CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE DEFAULT DEFERRABLE DEFERRED DELETE " +
    "DESC DETACH DISTINCT DO DROP EACH ELSE END ESCAPE EXCEPT EXCLUDE EXCLUSIVE EXISTS EXPLAIN FAIL " +
    "FILTER FIRST FOLLOWING FOR FOREIGN FROM FULL GENERATED GLOB GROUP GROUPS HAVING IF IGNORE " +
    "IMMEDIATE IN INDEX INDEXED INITIALLY INNER INSERT INSTEAD INTERSECT INTO IS ISNULL JOIN KEY LAST " +
    "LEFT LIKE LIMIT MATCH MATERIALIZED NATURAL NO NOT NOTHING NOTNULL NULL NULLS OF OFFSET ON OR " +
    "ORDER OTHERS OUTER OVER PARTITION PLAN PRAGMA PRECEDING PRIMARY QUERY RAISE RANGE RECURSIVE " +
    "REFERENCES REGEXP REINDEX RELEASE RENAME REPLACE RESTRICT RETURNING RIGHT ROLLBACK ROW ROWS " +
    "SAVEPOINT SELECT SET STRICT TABLE TEMP TEMPORARY THEN TIES TO TRANSACTION TRIGGER UNBOUNDED " +
    "UNION UNIQUE UPDATE USING VACUUM VALUES VIEW VIRTUAL WHEN WHERE WINDOW WITH WITHOUT"
  ).split(" "),
);

/** Token kinds, tried in this order at each position (sticky regular expressions). */
const RULES = [
  ["space", /\s+/y],
  ["comment", /--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/y],
  ["blob", /[xX]'[0-9a-fA-F]*(?:'|$)/y],
  ["string", /'(?:[^']|'')*(?:'|$)/y],
  ["quoted", /"(?:[^"]|"")*(?:"|$)|`(?:[^`]|``)*(?:`|$)|\[[^\]]*(?:\]|$)/y],
  ["number", /0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y],
  ["param", /\?\d*|[:@$][A-Za-z_0-9]+/y],
  ["word", /[A-Za-z_\u0080-\uffff][A-Za-z_0-9$\u0080-\uffff]*/y],
  ["op", /[\s\S]/y],
];

/** The tokens of `text`: [{type, text, start, end}], type one of RULES' kinds ("keyword" for a keyword word). */
export function tokenize(text) {
  const tokens = [];
  let at = 0;
  while (at < text.length) {
    for (const [type, re] of RULES) {
      re.lastIndex = at;
      const m = re.exec(text);
      if (!m || m[0].length === 0) continue;
      const word = type === "word" && KEYWORDS.has(m[0].toUpperCase());
      tokens.push({ type: word ? "keyword" : type === "word" ? "ident" : type, text: m[0], start: at, end: at + m[0].length });
      at += m[0].length;
      break;
    }
  }
  return tokens;
}

/** Whether a token is code (not a space or a comment). */
const isCode = (t) => t.type !== "space" && t.type !== "comment";

/**
 * `text` split at the semicolons that end statements (not those inside strings, comments or a
 * trigger's BEGIN … END), each statement's tokens and text without its semicolon; statements with
 * no code are dropped.
 */
export function statements(text) {
  const out = [];
  let current = [];
  let inTrigger = false;
  let depth = 0;
  const flush = () => {
    const code = current.filter(isCode);
    if (code.length) out.push({ tokens: current, text: text.slice(current[0].start, current.at(-1).end).trim() });
    current = [];
    inTrigger = false;
    depth = 0;
  };
  for (const t of tokenize(text)) {
    const word = t.type === "keyword" ? t.text.toUpperCase() : "";
    if (word === "TRIGGER" && current.some((c) => c.type === "keyword" && c.text.toUpperCase() === "CREATE")) inTrigger = true;
    if (inTrigger && (word === "BEGIN" || word === "CASE")) depth++;
    if (inTrigger && word === "END") depth--;
    if (t.text === ";" && t.type === "op" && depth <= 0) flush();
    else current.push(t);
  }
  flush();
  return out;
}

/**
 * Whether a statement only reads and can be wrapped as a subquery to fetch it in pieces: it
 * starts with SELECT or VALUES, or with WITH and names no writing keyword.
 */
export function isPlainSelect(statement) {
  const words = statement.tokens.filter(isCode);
  const first = words[0]?.type === "keyword" ? words[0].text.toUpperCase() : "";
  if (first === "SELECT" || first === "VALUES") return true;
  const writes = new Set(["INSERT", "UPDATE", "DELETE", "REPLACE"]);
  return first === "WITH" && !words.some((t) => t.type === "keyword" && writes.has(t.text.toUpperCase()));
}
