import "./study.js";

export { loadBinarizedMnist, mnistDir, clearMnistCache, type BinaryImages, type LoadMnistOptions } from "./mnist.js";
export { GUIDE_FAMILIES, GAPS_VAE_SETTING_SPECS, gapsVaeSettings, type GapsVaeSettings, type GuideFamilyEntry } from "./settings.js";
export { measureGaps, trainVae, type GapRow, type TrainedVae, type Training } from "./vae-gaps.js";
export { runGapsVae } from "./study.js";
