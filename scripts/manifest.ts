import { apiManifest } from "~/server/api/manifest";

process.stdout.write(`${JSON.stringify(apiManifest(), null, 2)}\n`);
