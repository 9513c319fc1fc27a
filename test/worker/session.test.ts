import { beforeAll, describe, expect, it } from "vitest";
import { init } from "../../src/index.js";
import type { TrainingJob } from "../../src/worker/job.js";
import { paramsByName } from "../../src/worker/params.js";
import type { DoneEvent, FromWorker, SessionOptions } from "../../src/worker/protocol.js";
import { TrainingSession } from "../../src/worker/session.js";
import { runJob } from "../../src/worker/training.js";

beforeAll(async () => {
  await init();
});

/** Runs a session on this thread; `control(session, event)` may pause / resume / stop it as events arrive. */
function drive(job: TrainingJob, options: SessionOptions, control: (s: TrainingSession, e: FromWorker) => void = () => {}): Promise<FromWorker[]> {
  return new Promise((resolve) => {
    const events: FromWorker[] = [];
    const session: TrainingSession = new TrainingSession(job, (e) => {
      events.push(e);
      if (e.type === "done" || e.type === "error") resolve(events);
      else queueMicrotask(() => control(session, e));
    }, options);
    session.start();
  });
}

const job: TrainingJob = { model: { name: "note-1" }, family: { amortization: "avi" }, objective: "qp", iterations: 120, seed: 11 };

describe("TrainingSession: a run in slices with pause, resume and stop", () => {
  it("reports ready, snapshots at 0 and every snapshotEvery steps, progress chunks covering every loss, and fit's numbers", async () => {
    const events = await drive(job, { progressEvery: 7, snapshotEvery: 50, sliceMs: 1, viewDraws: 50 });
    const reference = runJob(job);
    expect(events[0].type).toBe("ready");
    const snapshots = events.filter((e) => e.type === "snapshot");
    expect(snapshots.map((e) => e.step)).toEqual([0, 50, 100]);
    const progress = events.filter((e) => e.type === "progress");
    const losses = progress.flatMap((e) => Array.from(e.losses));
    expect(losses).toEqual(Array.from(reference.losses));
    expect(progress.map((e) => e.firstStep)).toEqual(progress.map((_, i) => i * 7 + 1));
    const done = events.at(-1) as DoneEvent;
    expect(done.type).toBe("done");
    expect(done.steps).toBe(120);
    expect(done.stoppedBy).toBeNull();
    expect(paramsByName(done.params)).toEqual(paramsByName(reference.params));
    reference.training.dispose();
  });

  it("pause and resume change nothing; stop ends with the parameters of fit stopped at that step", async () => {
    let paused = false;
    const events = await drive(job, { progressEvery: 10, snapshotEvery: 0, sliceMs: 1, viewDraws: 20 }, (s, e) => {
      if (e.type === "progress" && e.step === 30 && !paused) {
        paused = true;
        s.pause();
      } else if (e.type === "paused") setTimeout(() => s.resume(), 5);
    });
    expect(events.filter((e) => e.type === "paused" || e.type === "resumed").map((e) => e.type)).toEqual(["paused", "resumed"]);
    const reference = runJob(job);
    expect(paramsByName((events.at(-1) as DoneEvent).params)).toEqual(paramsByName(reference.params));
    reference.training.dispose();

    let stopAt = 0;
    const stopped = await drive(job, { progressEvery: 1, snapshotEvery: 0, sliceMs: 1, viewDraws: 20 }, (s, e) => {
      if (e.type === "progress" && e.step >= 40 && stopAt === 0) {
        stopAt = e.step;
        s.stop();
      }
    });
    const done = stopped.at(-1) as DoneEvent;
    expect(done.stoppedBy).toBe("stopped");
    expect(done.steps).toBeGreaterThanOrEqual(stopAt);
    expect(done.steps).toBeLessThan(120);
    const prefix = runJob({ ...job, iterations: done.steps });
    expect(paramsByName(done.params)).toEqual(paramsByName(prefix.params));
    expect(Array.from(done.losses)).toEqual(Array.from(prefix.losses));
    prefix.training.dispose();
  });

  it("a stop while paused ends at once; a bad job is an error event with the typed error's name", async () => {
    let pausedAt = -1;
    const events = await drive(job, { progressEvery: 5, snapshotEvery: 0, sliceMs: 1, viewDraws: 20 }, (s, e) => {
      if (e.type === "progress" && e.step === 20) s.pause();
      if (e.type === "paused") {
        pausedAt = e.step;
        s.stop();
      }
    });
    // a pause takes effect at the end of the running slice: no step after it
    const done = events.at(-1) as DoneEvent;
    expect(pausedAt).toBeGreaterThanOrEqual(20);
    expect([done.type, done.steps, done.stoppedBy]).toEqual(["done", pausedAt, "stopped"]);
    const bad = await drive({ ...job, family: { amortization: "fvi" }, objective: "pq" }, {});
    expect(bad).toEqual([{ type: "error", name: "DomainError", message: expect.stringMatching(/job.family.amortization/) }]);
    expect(() => new TrainingSession(job, () => {}, { progressEvery: 0 })).toThrow(/options.progressEvery/);
  });
});
