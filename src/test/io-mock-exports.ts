/** The `io` namespace of the test kit. */
export { Builder, Mock, MockBuilder } from './io-mock.js';
