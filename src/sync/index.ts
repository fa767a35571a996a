/**
 * Synchronisation: channels and locks. (Temporary index of the `locks` branch;
 * the integrator merges it with the channels' exports and the module guide.)
 */

export * from './locks.js';
