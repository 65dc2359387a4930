// Drives the real @libsql/client against one database of the platform over HTTP and checks every answer.
// LIBSQL_URL: http://host:port/db/<name>/ (a database that follows todos-schema); LIBSQL_AUTH_TOKEN: the bearer token.
// Prints one line per check; exits 1 when any check fails, 2 when the settings are missing.
import assert from "node:assert/strict";
import { LibsqlError } from "@libsql/client";
import { connect, runChecks } from "./checks.mjs";

const { url, client } = connect();
// Rows this script writes carry this prefix, so reruns and other data in the database do not disturb it.
const mark = "libsql-check:";
const beyondDoubles = 9007199254740993n; // 2^53 + 1: a JavaScript number cannot hold it

const checks = [
    ["removing the rows of an earlier run", async () => {
        await client.execute("DELETE FROM todos WHERE description LIKE ? OR id = ?", [`${mark}%`, beyondDoubles]);
    }],

    ["execute with positional arguments", async () => {
        const inserted = await client.execute("INSERT INTO todos (description) VALUES (?)", [`${mark}positional`]);
        assert.equal(inserted.rowsAffected, 1);
        assert.equal(typeof inserted.lastInsertRowid, "bigint");

        const selected = await client.execute("SELECT id, description, completed FROM todos WHERE id = ?", [inserted.lastInsertRowid]);
        assert.deepEqual(selected.columns, ["id", "description", "completed"]);
        assert.equal(selected.rows.length, 1);
        assert.equal(selected.rows[0].id, inserted.lastInsertRowid);
        assert.equal(selected.rows[0].description, `${mark}positional`);
        assert.equal(selected.rows[0].completed, 0n);
    }],

    ["execute with named arguments (:name, @name, $name)", async () => {
        const result = await client.execute({
            sql: "SELECT :text AS text, @number + 1 AS next, $flag AS flag",
            args: { text: "named", number: 41n, flag: null },
        });
        assert.deepEqual(result.columns, ["text", "next", "flag"]);
        assert.equal(result.rows[0].text, "named");
        assert.equal(result.rows[0].next, 42n);
        assert.equal(result.rows[0].flag, null);
    }],

    ["blob values round-trip byte for byte", async () => {
        const bytes = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);
        const result = await client.execute("SELECT ? AS data, length(?) AS size, x'' AS empty", [bytes, bytes]);
        assert.ok(result.rows[0].data instanceof ArrayBuffer, "a blob comes back as an ArrayBuffer");
        assert.deepEqual(new Uint8Array(result.rows[0].data), bytes);
        assert.equal(result.rows[0].size, 7n);
        assert.equal(result.rows[0].empty.byteLength, 0);
    }],

    ["bigint values beyond 2^53 round-trip exactly", async () => {
        const result = await client.execute("SELECT ? AS big, ? - 1 AS max_less_one, 2.5 AS real, NULL AS missing",
            [beyondDoubles, 9223372036854775807n]);
        assert.equal(result.rows[0].big, beyondDoubles);
        assert.equal(result.rows[0].max_less_one, 9223372036854775806n);
        assert.equal(result.rows[0].real, 2.5);
        assert.equal(result.rows[0].missing, null);

        await client.execute("DELETE FROM todos WHERE id = ?", [beyondDoubles]);
        await client.execute("INSERT INTO todos (id, description) VALUES (?, ?)", [beyondDoubles, `${mark}big id`]);
        const stored = await client.execute("SELECT id FROM todos WHERE description = ?", [`${mark}big id`]);
        assert.equal(stored.rows[0].id, beyondDoubles);
    }],

    ["batch in write mode runs every statement in one transaction", async () => {
        const results = await client.batch([
            { sql: "INSERT INTO todos (description) VALUES (?)", args: [`${mark}batch one`] },
            { sql: "INSERT INTO todos (description) VALUES (:d)", args: { d: `${mark}batch two` } },
            { sql: "UPDATE todos SET completed = 1 WHERE description = ?", args: [`${mark}batch two`] },
            `SELECT count(*) AS n FROM todos WHERE description LIKE '${mark}batch%'`,
        ], "write");
        assert.equal(results.length, 4);
        assert.equal(results[0].rowsAffected, 1);
        assert.equal(results[2].rowsAffected, 1);
        assert.equal(results[3].rows[0].n, 2n);
    }],

    ["batch in read mode (libSQL's BEGIN TRANSACTION READONLY)", async () => {
        const results = await client.batch([
            `SELECT count(*) AS n FROM todos WHERE description LIKE '${mark}batch%'`,
            { sql: "SELECT ? AS echo", args: ["read"] },
        ], "read");
        assert.equal(results[0].rows[0].n, 2n);
        assert.equal(results[1].rows[0].echo, "read");
    }],

    ["executeMultiple runs a script of several statements", async () => {
        await client.executeMultiple(`
            INSERT INTO todos (description) VALUES ('${mark}script');
            UPDATE todos SET completed = 1 WHERE description = '${mark}script';`);
        const result = await client.execute("SELECT completed FROM todos WHERE description = ?", [`${mark}script`]);
        assert.equal(result.rows[0].completed, 1n);
    }],

    ["a failing batch leaves nothing behind", async () => {
        const error = await rejection(client.batch([
            { sql: "INSERT INTO todos (description) VALUES (?)", args: [`${mark}batch rolled back`] },
            "INSERT INTO todos (description, completed) VALUES ('x', 7)", // the CHECK constraint refuses it
        ], "write"));
        assert.ok(error instanceof LibsqlError, `expected a LibsqlError, got ${error}`);
        const left = await client.execute("SELECT count(*) AS n FROM todos WHERE description = ?", [`${mark}batch rolled back`]);
        assert.equal(left.rows[0].n, 0n);
    }],

    ["an interactive write transaction commits", async () => {
        const transaction = await client.transaction("write");
        try {
            await transaction.execute({ sql: "INSERT INTO todos (description) VALUES (?)", args: [`${mark}committed`] });
            const inside = await transaction.execute({ sql: "SELECT count(*) AS n FROM todos WHERE description = ?", args: [`${mark}committed`] });
            assert.equal(inside.rows[0].n, 1n);
            await transaction.commit();
        } finally {
            transaction.close();
        }

        const after = await client.execute("SELECT count(*) AS n FROM todos WHERE description = ?", [`${mark}committed`]);
        assert.equal(after.rows[0].n, 1n);
    }],

    ["an interactive write transaction rolls back", async () => {
        const transaction = await client.transaction("write");
        try {
            await transaction.execute({ sql: "INSERT INTO todos (description) VALUES (?)", args: [`${mark}rolled back`] });
            const inside = await transaction.execute({ sql: "SELECT count(*) AS n FROM todos WHERE description = ?", args: [`${mark}rolled back`] });
            assert.equal(inside.rows[0].n, 1n);
            await transaction.rollback();
        } finally {
            transaction.close();
        }

        const after = await client.execute("SELECT count(*) AS n FROM todos WHERE description = ?", [`${mark}rolled back`]);
        assert.equal(after.rows[0].n, 0n);
    }],

    ["a SQL parse error is a LibsqlError with a code", async () => {
        const error = await rejection(client.execute("SELEC 1"));
        assert.ok(error instanceof LibsqlError, `expected a LibsqlError, got ${error}`);
        assert.equal(typeof error.code, "string");
        assert.notEqual(error.code, "UNKNOWN", "the server's error carries a code");
        assert.match(error.message, /syntax error/);
    }],

    ["a constraint violation is a LibsqlError with a code", async () => {
        const error = await rejection(client.execute("INSERT INTO todos (description, completed) VALUES ('x', 7)"));
        assert.ok(error instanceof LibsqlError, `expected a LibsqlError, got ${error}`);
        assert.match(error.code, /^SQLITE_CONSTRAINT/);
    }],
];

async function rejection(promise) {
    try {
        await promise;
    } catch (error) {
        return error;
    }
    throw new assert.AssertionError({ message: "expected the call to fail, but it succeeded" });
}

await runChecks(client, url, checks);
