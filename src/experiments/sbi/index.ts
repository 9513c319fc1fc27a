// The simulation-based inference benchmark tasks (sbibm, Lueckmann et al. 2021):
// what amortvi/experiments exports of them (the study drivers import from here).
export { defineTask, makeObservation, matrix, SBIBM_DEFAULT_SEEDS, type Matrix, type Observation, type ReferenceMethod, type ReferenceOptions, type Task, type TaskPrior, type TaskSpec } from "./task.js";
export { distributionPrior, logLikelihoodFrom, simulateFrom, taskModel, type ModelTaskParts } from "./model-task.js";
export { simulateValid, type SimulateValidOptions, type SimulatorTask, type ValidSimulations } from "./simulate-valid.js";
export { dormandPrince, solveRows, type OdeOptions, type OdeRhs, type OdeSolution } from "./ode.js";
export { adaptiveMetropolis, DEFAULT_MCMC_SETTINGS, McmcConvergenceError, mcmcSettings, type McmcRun, type McmcSettings, type McmcTarget } from "./reference/mcmc.js";
export { mcmcReference, posteriorTarget, MCMC_STREAM, type McmcReferenceConfig, type Symmetry } from "./reference/mcmc-reference.js";
export { DEFAULT_REFERENCE_DIR, fileReferenceStore, memoryReferenceStore, type ReferenceFile, type ReferenceStore } from "./reference/store.js";
export { SBI_TASK_NAMES, sbiTask, type SbiTaskName } from "./tasks/index.js";
export { bernoulliGlm, bernoulliGlmDesign, bernoulliGlmPrecision } from "./tasks/bernoulli-glm.js";
export { gaussianLinear, gaussianLinearPosterior } from "./tasks/gaussian-linear.js";
export { gaussianLinearUniform } from "./tasks/gaussian-linear-uniform.js";
export { gaussianMixture, IsotropicMixture } from "./tasks/gaussian-mixture.js";
export { lotkaVolterra, lotkaVolterraLogPopulations, LV_TIMES } from "./tasks/lotka-volterra.js";
export { sir, sirInfectedFraction, SIR_DAYS } from "./tasks/sir.js";
export { slcp, SlcpLikelihood, slcpSymmetry } from "./tasks/slcp.js";
export { twoMoons, twoMoonsPosterior, TwoMoonsLikelihood, twoMoonsSymmetry } from "./tasks/two-moons.js";
