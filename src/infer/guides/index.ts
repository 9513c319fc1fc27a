export {};
export * from "./note4.js";
