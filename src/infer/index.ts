export * from "../models/guide.js";
export * from "./qp.js";
export * from "./pq.js";
export * from "./iwae.js";
export * from "./rws.js";
export * from "./guides/index.js";
export * from "./families/index.js";
export * from "./objectives/index.js";
