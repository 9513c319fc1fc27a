// A model typed by a user as text (the demo's textarea, a job sent to a
// worker): the body of the function given to defineModel, compiled with the
// distributions and the differentiable ops in scope. Functions cannot cross
// a postMessage, source text can.
import * as binary from "../autodiff/ops/binary.js";
import * as reduce from "../autodiff/ops/reduce.js";
import * as shape from "../autodiff/ops/shape.js";
import * as trig from "../autodiff/ops/trig.js";
import * as unary from "../autodiff/ops/unary.js";
import { dense, matmul } from "../autodiff/ops/linalg.js";
import { DomainError } from "../core/errors.js";
import * as distributions from "../distributions/index.js";
import { defineModel, type ModelFn, type ProbModel } from "../model/model.js";

/** The names a model's source can use besides `m`: every distribution and the ops a model composes. */
export const MODEL_SOURCE_SCOPE: Readonly<Record<string, unknown>> = Object.freeze({
  Normal: distributions.Normal,
  DiagNormal: distributions.DiagNormal,
  MultivariateNormal: distributions.MultivariateNormal,
  LogNormal: distributions.LogNormal,
  Gamma: distributions.Gamma,
  Beta: distributions.Beta,
  Dirichlet: distributions.Dirichlet,
  Categorical: distributions.Categorical,
  Bernoulli: distributions.Bernoulli,
  Poisson: distributions.Poisson,
  MixtureOfNormals: distributions.MixtureOfNormals,
  Uniform: distributions.Uniform,
  Laplace: distributions.Laplace,
  StudentT: distributions.StudentT,
  ...pick(binary, ["add", "sub", "mul", "div"]),
  ...pick(unary, ["abs", "exp", "log", "neg", "relu", "scale", "shift", "sigmoid", "softplus", "sqrt", "square", "tanh"]),
  ...pick(trig, ["sin", "cos"]),
  ...pick(reduce, ["sum", "sumCols", "sumRows", "mean", "logSumExp", "softmax"]),
  ...pick(shape, ["concatCols", "sliceCols", "repeatRows", "reshape"]),
  dense,
  matmul,
});

function pick(module: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((n) => [n, module[n]]));
}

/**
 * defineModel(name, (m) => { <source> }) with MODEL_SOURCE_SCOPE in scope,
 * e.g. `m.plate("data", () => { const x = m.sample("x", new Normal(0, 1));
 * m.observe("y", new Normal(x, 1)); });`. The text runs as JavaScript with
 * the caller's rights (new Function): compile only text the user typed.
 * A syntax error is a DomainError naming `model.source`.
 */
export function compileModelSource(source: string, name = "user model"): ProbModel {
  if (typeof source !== "string" || source.trim().length === 0) {
    throw new DomainError("model.source", "the body of a model function (m) => { ... } in the model language", JSON.stringify(source));
  }
  const names = Object.keys(MODEL_SOURCE_SCOPE);
  let body: (...args: unknown[]) => unknown;
  try {
    body = new Function("m", ...names, `"use strict";\n${source}`) as (...args: unknown[]) => unknown;
  } catch (err) {
    throw new DomainError("model.source", "JavaScript statements (the body of (m) => { ... })", `${(err as Error).name}: ${(err as Error).message}`);
  }
  const values = names.map((n) => MODEL_SOURCE_SCOPE[n]);
  const fn: ModelFn = (m) => body(m, ...values);
  return defineModel(name, fn);
}
