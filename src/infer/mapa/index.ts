// MAPA (issue 6): our construction of a deterministic, model-agnostic posterior approximation; see docs/mapa.md.
export * from "./graph.js";
export * from "./assignment.js";
export * from "./bandwidth.js";
export * from "./codes.js";
export * from "./posterior.js";
