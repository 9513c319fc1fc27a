// Kernels only: flat, pointer-based functions over f64 buffers in linear
// memory. No model knowledge lives here. One file per kernel family.
export * from "./memory";
export * from "./prng";
export * from "./unary";
export * from "./gemm";
export * from "./dense";
export * from "./binary";
export * from "./reduce";
export * from "./shape";
export * from "./normal";
export * from "./categorical";
export * from "./optim";
export * from "./gather";
export * from "./trig";
export * from "./scratch";
export * from "./convert";
export * from "./gemm32";
export * from "./unary32";
export * from "./dense32";
export * from "./bijectors";
export * from "./special";
export * from "./densities";
export * from "./triangular";
export * from "./support";
export * from "./variates";
export * from "./gamma-grad";
export * from "./masked";
