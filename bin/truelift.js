#!/usr/bin/env node
// The bundled command line (dist/bin/, built by `npm run build` → scripts/build-cli.mjs).
import { main } from "../dist/bin/truelift.js";

main(process.argv).then((code) => {
  process.exitCode = code;
});
