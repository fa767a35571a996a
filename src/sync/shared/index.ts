/** Channels and locks that cross threads: they live in SharedArrayBuffers and can be passed as task arguments. */
export {};
