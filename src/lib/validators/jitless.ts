import { z } from "zod";

// In the browser zod probes for eval (`Function("")`) before compiling a fast object parser;
// under our Content-Security-Policy (no 'unsafe-eval') each probe is reported as a violation.
// Imported by common.ts (so by every schema file), and before the API reference's Scalar, whose
// own schemas use the same zod.
if (typeof window !== "undefined") z.config({ jitless: true });
