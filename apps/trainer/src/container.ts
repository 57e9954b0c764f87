import 'reflect-metadata';
import { container, type DependencyContainer } from 'tsyringe';

/**
 * The CLI's composition root: the only place (with the server's) where services and plugin registries are wired.
 * Returns a child container so that tests can override registrations without touching the global one.
 */
export function createContainer(): DependencyContainer {
  return container.createChildContainer();
}
