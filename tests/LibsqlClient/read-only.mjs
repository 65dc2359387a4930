// Drives the real @libsql/client with a read-only database token: reads work, every kind of write is refused with the
// server's SQLITE_READONLY error, and nothing is written. LIBSQL_URL, LIBSQL_AUTH_TOKEN as for check.mjs.
// Prints one line per check; exits 1 when any check fails, 2 when the settings are missing.
import assert from "node:assert/strict";
import { LibsqlError } from "@libsql/client";
import { connect, runChecks } from "./checks.mjs";

const { url, client } = connect();
const mark = "libsql-read-only:";

async function refusal(promise) {
    try {
        await promise;
    } catch (error) {
        assert.ok(error instanceof LibsqlError, `expected a LibsqlError, got ${error}`);
        return error;
    }
    throw new assert.AssertionError({ message: "expected the write to be refused, but it succeeded" });
}

function assertReadOnly(error) {
    assert.equal(error.code, "SQLITE_READONLY");
    assert.match(error.message, /read-only/);
}

const checks = [
    ["a read works", async () => {
        const result = await client.execute("SELECT count(*) AS n FROM todos");
        assert.equal(typeof result.rows[0].n, "bigint");
    }],

    ["a write is refused with SQLITE_READONLY, saying the credentials are read-only", async () => {
        assertReadOnly(await refusal(client.execute("INSERT INTO todos (description) VALUES (?)", [`${mark}insert`])));
    }],

    ["a write batch is refused and leaves nothing behind", async () => {
        assertReadOnly(await refusal(client.batch([
            { sql: "INSERT INTO todos (description) VALUES (?)", args: [`${mark}batch`] },
        ], "write")));
    }],

    ["a script with a write is refused", async () => {
        assertReadOnly(await refusal(client.executeMultiple(`SELECT 1; DELETE FROM todos WHERE description LIKE '${mark}%';`)));
    }],

    ["a read batch (BEGIN TRANSACTION READONLY) works", async () => {
        const results = await client.batch(["SELECT 1 AS one", "SELECT count(*) AS n FROM todos"], "read");
        assert.equal(results[0].rows[0].one, 1n);
    }],

    ["nothing was written", async () => {
        const left = await client.execute("SELECT count(*) AS n FROM todos WHERE description LIKE ?", [`${mark}%`]);
        assert.equal(left.rows[0].n, 0n);
    }],
];

await runChecks(client, url, checks);
