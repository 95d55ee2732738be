// Runs @prisma/adapter-d1's HTTP adapter (what `prisma migrate` and PrismaClient use for D1)
// against the database named by argv[2]. Its URL is hard-coded to api.cloudflare.com, so it is run
// with the cf-redirect.cjs preload. Prints one JSON line with what it saw.
import { PrismaD1Http } from "@prisma/adapter-d1";

const [, , databaseId] = process.argv;
const factory = new PrismaD1Http({
  CLOUDFLARE_D1_TOKEN: process.env.CLOUDFLARE_API_TOKEN,
  CLOUDFLARE_ACCOUNT_ID: process.env.CLOUDFLARE_ACCOUNT_ID,
  CLOUDFLARE_DATABASE_ID: databaseId,
});
const adapter = await factory.connect();
await adapter.executeScript(
  'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "email" TEXT NOT NULL, "score" REAL);' +
    ' CREATE UNIQUE INDEX "User_email_key" ON "User"("email");',
);
const int = { scalarType: "int", arity: "scalar" };
const str = { scalarType: "string", arity: "scalar" };
const float = { scalarType: "float", arity: "scalar" };
const inserted = await adapter.executeRaw({
  sql: 'INSERT INTO "User" ("email", "score") VALUES (?, ?), (?, ?)',
  args: ["a@example.com", 1.5, "b@example.com", 2],
  argTypes: [str, float, str, float],
});
const selected = await adapter.queryRaw({
  sql: 'SELECT "id", "email", "score" FROM "User" WHERE "id" >= ? ORDER BY "id"',
  args: [1],
  argTypes: [int],
});
let duplicate = null;
try {
  await adapter.executeRaw({ sql: 'INSERT INTO "User" ("email") VALUES (?)', args: ["a@example.com"], argTypes: [str] });
} catch (e) {
  duplicate = String(e?.cause?.message ?? e?.message ?? e);
}
const shadow = await factory.connectToShadowDb();
await shadow.dispose();
console.log(JSON.stringify({ inserted, selected, duplicate }));
