// What check.mjs and read-only.mjs share: the client from LIBSQL_URL and LIBSQL_AUTH_TOKEN, and the loop that runs
// named checks, prints one line each and exits 1 when any failed (2 when the settings are missing).
import { createClient } from "@libsql/client";

export function connect() {
    const url = process.env.LIBSQL_URL;
    const authToken = process.env.LIBSQL_AUTH_TOKEN;
    if (!url || !authToken) {
        console.error("Set LIBSQL_URL (http://host:port/db/<name>/) and LIBSQL_AUTH_TOKEN.");
        process.exit(2);
    }
    if (!url.endsWith("/")) {
        // The client resolves "v2/pipeline" against the URL, so without the slash it would address /db/v2/pipeline.
        console.error(`LIBSQL_URL must end with "/" (http://host:port/db/<name>/), got ${url}`);
        process.exit(2);
    }

    // bigint mode, so 64-bit integers survive the trip exactly.
    return { url, client: createClient({ url, authToken, intMode: "bigint" }) };
}

export async function runChecks(client, url, checks) {
    let failed = 0;
    for (const [name, check] of checks) {
        try {
            await check();
            console.log(`ok - ${name}`);
        } catch (error) {
            failed++;
            console.log(`not ok - ${name}\n  ${String(error?.stack ?? error).replaceAll("\n", "\n  ")}`);
        }
    }

    client.close();
    console.log(`${checks.length - failed} of ${checks.length} checks passed against ${url}`);
    process.exit(failed === 0 ? 0 : 1);
}
