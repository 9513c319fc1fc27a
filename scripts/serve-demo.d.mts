import type { Server } from "node:http";
/** Serves the files under `dir` on 127.0.0.1:`port` (0: any free port). */
export function serveStatic(dir: string, port?: number): Promise<{ server: Server; url: string }>;
