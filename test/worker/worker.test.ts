// Training in a node:worker_threads Worker from this thread: progress,
// snapshots, pause / resume / stop over real messages, the parameters
// transferred back, and the same bits as fit on this thread.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { init } from "../../src/index.js";
import { createTrainingWorker, trainInWorker, TrainingWorkerError, type WorkerLike } from "../../src/worker/client.js";
import type { TrainingJob } from "../../src/worker/job.js";
import { paramsByName } from "../../src/worker/params.js";
import type { ProgressEvent, SnapshotEvent } from "../../src/worker/protocol.js";
import { runJob } from "../../src/worker/training.js";
import { bundleWorkerThread } from "./bundle.js";

let worker: WorkerLike;

beforeAll(async () => {
  await init();
  worker = await createTrainingWorker(await bundleWorkerThread());
});

afterAll(async () => {
  await worker?.terminate();
});

const job: TrainingJob = { model: { name: "note-1" }, family: { amortization: "avi", density: "gaussian" }, objective: "qp", train: "simulations", iterations: 400, seed: 5 };

describe("trainInWorker (node:worker_threads)", () => {
  it("trains note-1 in the worker: the final parameters and losses equal an in-thread fit bit for bit", async () => {
    const progress: ProgressEvent[] = [];
    const snapshots: SnapshotEvent[] = [];
    let ready = "";
    const run = trainInWorker(worker, job, {
      progressEvery: 20,
      snapshotEvery: 100,
      viewDraws: 200,
      onReady: (info) => void (ready = `${info.model} / ${info.family} / ${info.objective}`),
      onProgress: (e) => void progress.push(e),
      onSnapshot: (e) => void snapshots.push(e),
    });
    const done = await run.done;
    const reference = runJob(job);
    expect(ready).toBe("note-1 / A-VI, diagonal Gaussian / elbo");
    expect(done.steps).toBe(400);
    expect(done.params[0].values).toBeInstanceOf(Float64Array);
    expect(paramsByName(done.params)).toEqual(paramsByName(reference.params));
    expect(Array.from(done.losses)).toEqual(Array.from(reference.losses));
    expect(progress.flatMap((e) => Array.from(e.losses))).toEqual(Array.from(reference.losses));
    expect(snapshots.map((s) => s.step)).toEqual([0, 100, 200, 300, 400]);
    // the views' draws come from their own stream: the same in the worker and here
    expect(done.view).toEqual(reference.training.view([0, 1, 2], 400, { draws: 200 }));
    reference.training.dispose();
  });

  it("pause / resume change nothing; stop returns the parameters of the steps taken", async () => {
    let paused = -1;
    // long enough that the pause arrives while the worker trains
    const long = { ...job, iterations: 3000 };
    const run = trainInWorker(worker, long, {
      progressEvery: 10,
      snapshotEvery: 0,
      viewDraws: 50,
      onProgress: (e) => {
        if (e.step === 100 && paused < 0) {
          paused = 0;
          run.pause();
        }
      },
      onPaused: (step) => {
        paused = step;
        setTimeout(() => run.resume(), 20);
      },
    });
    const done = await run.done;
    expect(paused).toBeGreaterThanOrEqual(100);
    expect(paused).toBeLessThan(3000);
    expect(done.steps).toBe(3000);
    const reference = runJob(long);
    expect(paramsByName(done.params)).toEqual(paramsByName(reference.params));
    reference.training.dispose();

    const stopping = trainInWorker(worker, { ...job, iterations: 100_000 }, { progressEvery: 10, snapshotEvery: 0, viewDraws: 50, onProgress: (e) => void (e.step >= 50 && stopping.stop()) });
    const stopped = await stopping.done;
    expect(stopped.stoppedBy).toBe("stopped");
    expect(stopped.steps).toBeGreaterThanOrEqual(50);
    expect(stopped.steps).toBeLessThan(100_000);
    const prefix = runJob({ ...job, iterations: stopped.steps });
    expect(paramsByName(stopped.params)).toEqual(paramsByName(prefix.params));
    prefix.training.dispose();
  });

  it("a user model typed as text trains in the worker as on this thread; errors come back typed", async () => {
    const source = 'm.plate("data", () => { const x = m.sample("x", new Normal(1, 2)); m.observe("y", new Normal(x, 0.5)); });';
    const userJob: TrainingJob = { model: { name: "user", source }, family: { amortization: "fvi", density: "mixture" }, objective: "iwae", iterations: 60, seed: 2 };
    const done = await trainInWorker(worker, userJob, { viewDraws: 50 }).done;
    const reference = runJob(userJob);
    expect(paramsByName(done.params)).toEqual(paramsByName(reference.params));
    reference.training.dispose();
    const failed = trainInWorker(worker, { ...userJob, model: { name: "user", source: "m.plate(" } }).done;
    await expect(failed).rejects.toBeInstanceOf(TrainingWorkerError);
    await expect(failed).rejects.toMatchObject({ remoteName: "DomainError", remoteMessage: expect.stringMatching(/^model.source/) });
    const busy = trainInWorker(worker, userJob, { viewDraws: 20 });
    expect(() => trainInWorker(worker, userJob)).toThrow(/busy worker/);
    await busy.done;
  });
});
