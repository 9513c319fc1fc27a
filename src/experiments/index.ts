// Importing this module registers every experiment: each study file calls
// registerExperiment() at load time. Add one import per study file below.
export * from "./registry.js";
import "./notes/index.js";
import "./avi/index.js";
import "./mapa/index.js";
