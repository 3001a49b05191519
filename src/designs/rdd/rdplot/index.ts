// The RD plot (binned means and polynomial fits each side of the cutoff): its public API.
export * from "./bin-numbers.js";
export * from "./rdplot.js";
