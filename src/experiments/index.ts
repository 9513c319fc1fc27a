// amortvi/experiments: the studies. Importing this module registers every
// experiment (each study file calls registerExperiment() at load time; add one
// import per study file below) and exports the studies' models, guides,
// closed forms and data sets, which are not part of the library's root entry.
export * from "./registry.js";
export * from "./notes/models/index.js";
export { Note4Guide, type Note4GuideOptions, type Note4GuideOutputs } from "./notes/open-universe-guide.js";
export { CategoricalNormalGuide, type CategoricalNormalGuideOptions, type CategoricalNormalOutputs } from "./notes/categorical-normal-guide.js";
export * from "./avi/models/index.js";
export * from "./mapa/datasets.js";
import "./notes/index.js";
import "./avi/index.js";
import "./mapa/index.js";
