// Voice of the customer: surveys as data, answers and skip logic, metrics, the widget's decision, alerts,
// feedback records and CSV. Pure: time and analyses are inputs.
export * from './types';
export * from './validate';
export * from './answers';
export * from './metrics';
export * from './widget';
export * from './alerts';
export * from './feedback';
export * from './csv';
