// The program of a training worker: a Web Worker (module) in a browser or a
// node:worker_threads Worker in Node. It answers the main thread's "start",
// "pause", "resume" and "stop" (protocol.ts) with a TrainingSession, one run
// at a time. Start it with createTrainingWorker (client.ts).
import { init } from "../core/runtime.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { TrainingSession } from "./session.js";

interface Port {
  post(message: FromWorker, transfer: ArrayBuffer[]): void;
  listen(handler: (message: ToWorker) => void): void;
}

/** The scope of a dedicated Web Worker (the DOM lib has no WorkerGlobalScope type). */
interface WebWorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}

async function parentPort(): Promise<Port> {
  if (typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined") {
    const scope = globalThis as unknown as WebWorkerScope;
    return { post: (m, t) => scope.postMessage(m, t), listen: (h) => scope.addEventListener("message", (e) => h(e.data as ToWorker)) };
  }
  const id = "node:worker_threads"; // a variable: bundlers for the browser leave the import alone
  const { parentPort: port } = (await import(/* @vite-ignore */ id)) as typeof import("node:worker_threads");
  if (!port) throw new Error("amortvi worker-thread: started outside a worker (no parentPort)");
  // Node queues messages until the first listener: none is lost during the import
  return { post: (m, t) => port.postMessage(m, t), listen: (h) => port.on("message", h) };
}

/** Serves the protocol on `port`: a session per "start", controls forwarded to it. */
export function serve(port: Port): void {
  const ready = init();
  let session: TrainingSession | null = null;
  let queue = Promise.resolve();
  port.listen((message) => {
    // in order, each after the Wasm runtime is up
    queue = queue.then(() => ready).then(() => {
      switch (message?.type) {
        case "start":
          session?.stop();
          session = new TrainingSession(message.job, (event, transfer) => port.post(event, transfer), message.options);
          session.start();
          return;
        case "pause":
          return session?.pause();
        case "resume":
          return session?.resume();
        case "stop":
          return session?.stop();
        default:
          port.post({ type: "error", name: "DomainError", message: `message.type: expected "start", "pause", "resume" or "stop", received ${JSON.stringify((message as { type?: unknown })?.type)}` }, []);
      }
    }).catch((err: unknown) => port.post({ type: "error", name: (err as Error)?.name ?? "Error", message: String((err as Error)?.message ?? err) }, []));
  });
}

// no top-level await: the program also builds as CommonJS, and a browser gets its listener within this task
parentPort().then(serve, (err: unknown) => {
  throw err;
});
