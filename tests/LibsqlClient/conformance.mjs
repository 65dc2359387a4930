// Runs a corpus of statements through the official @libsql/client and prints one JSON result per statement, in the
// shape LibsqlClient.Tests' ConformanceTests prints for the C# client, so the two can be compared exactly.
// usage: LIBSQL_URL=http://host:port/db/<name>/ LIBSQL_AUTH_TOKEN=... node conformance.mjs conformance-corpus.json
import { readFileSync } from "node:fs";
import { createClient } from "@libsql/client";

const url = process.env.LIBSQL_URL;
const authToken = process.env.LIBSQL_AUTH_TOKEN;
const corpusPath = process.argv[2];
if (!url || !authToken || !corpusPath) {
    console.error("usage: LIBSQL_URL=http://host:port/db/<name>/ LIBSQL_AUTH_TOKEN=<token> node conformance.mjs <corpus.json>");
    process.exit(2);
}

const client = createClient({ url, authToken, intMode: "bigint" });

// Corpus values: null, {integer: "decimal"}, {float: number}, {text: string}, {blob: base64}.
function toArg(value) {
    if (value === null) return null;
    if ("integer" in value) return BigInt(value.integer);
    if ("float" in value) return value.float;
    if ("text" in value) return value.text;
    return new Uint8Array(Buffer.from(value.blob, "base64"));
}

// Floats as their 64 bits in hex, so -0.0 and the last bit of 0.1 are compared too.
function floatBits(number) {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, number);
    return view.getBigUint64(0).toString(16).padStart(16, "0");
}

function fromValue(value) {
    if (value === null) return null;
    if (typeof value === "bigint") return { integer: value.toString() };
    if (typeof value === "number") return { float: floatBits(value) };
    if (typeof value === "string") return { text: value };
    return { blob: Buffer.from(value).toString("base64") };
}

const corpus = JSON.parse(readFileSync(corpusPath, "utf8"));
const results = [];
for (const entry of corpus) {
    const args = entry.named
        ? Object.fromEntries(Object.entries(entry.named).map(([name, value]) => [name, toArg(value)]))
        : (entry.args ?? []).map(toArg);
    try {
        const result = await client.execute({ sql: entry.sql, args });
        results.push({
            columns: result.columns,
            columnTypes: result.columnTypes,
            rows: result.rows.map((row) => Array.from({ length: result.columns.length }, (_, i) => fromValue(row[i]))),
            rowsAffected: result.rowsAffected,
            lastInsertRowid: result.lastInsertRowid === undefined ? null : result.lastInsertRowid.toString(),
        });
    } catch (error) {
        // LibsqlError's message is "CODE: message"; the server's own message is what follows.
        const prefix = `${error.code}: `;
        const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
        results.push({ error: { code: error.code ?? "NO_CODE", message } });
    }
}

client.close();
process.stdout.write(JSON.stringify(results));
