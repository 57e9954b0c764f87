// The quickstart: the whole product on one machine, from the generated corpus to the served model.
export * from './quickstart-plan';
export * from './quickstart-server';
export * from './run-quickstart';
