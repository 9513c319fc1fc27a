export * from "../models/guide.js";
export * from "./families/index.js";
export * from "./objectives/index.js";
export { repeatBatch, drawParticles, sampleParticles, type Particles } from "./particles.js";
