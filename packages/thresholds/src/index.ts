export * from './threshold-store';
