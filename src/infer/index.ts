export * from "./guide.js";
export * from "./qp.js";
export * from "./pq.js";
