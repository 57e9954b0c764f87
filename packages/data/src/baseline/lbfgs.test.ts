import { minimizeLbfgs } from './lbfgs';

describe('minimizeLbfgs', () => {
  it('finds the minimum of a badly scaled quadratic', () => {
    // f = ½ Σ aᵢ (xᵢ − cᵢ)², condition number 10⁴.
    const a = [1, 10, 100, 1000, 10000];
    const c = [3, -1, 0.5, 2, -4];
    const result = minimizeLbfgs((x, g) => {
      let f = 0;
      for (let i = 0; i < a.length; i++) {
        g[i] = a[i]! * (x[i]! - c[i]!);
        f += 0.5 * a[i]! * (x[i]! - c[i]!) ** 2;
      }
      return f;
    }, new Float64Array(5));
    expect(result.converged).toBe(true);
    c.forEach((ci, i) => expect(result.x[i]).toBeCloseTo(ci, 6));
    expect(result.value).toBeLessThan(1e-10);
  });

  it('follows the curved valley of Rosenbrock’s function to (1, 1)', () => {
    const result = minimizeLbfgs(
      (x, g) => {
        const [u, v] = [x[0]!, x[1]!];
        g[0] = -2 * (1 - u) - 400 * u * (v - u * u);
        g[1] = 200 * (v - u * u);
        return (1 - u) ** 2 + 100 * (v - u * u) ** 2;
      },
      Float64Array.of(-1.2, 1),
      { maxIterations: 500 },
    );
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 5);
    expect(result.x[1]).toBeCloseTo(1, 5);
    // Gradient descent needs thousands of steps here; the curvature pairs are what make it tens.
    expect(result.iterations).toBeLessThan(100);
  });

  it('stops at maxIterations without claiming convergence, and refuses a non-finite start', () => {
    const rosenbrock = (x: Float64Array, g: Float64Array) => {
      g[0] = -2 * (1 - x[0]!) - 400 * x[0]! * (x[1]! - x[0]! ** 2);
      g[1] = 200 * (x[1]! - x[0]! ** 2);
      return (1 - x[0]!) ** 2 + 100 * (x[1]! - x[0]! ** 2) ** 2;
    };
    const result = minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIterations: 3 });
    expect(result.iterations).toBe(3);
    expect(result.converged).toBe(false);
    expect(() => minimizeLbfgs(() => Number.NaN, new Float64Array(1))).toThrow(/objective is NaN/);
  });

  it('returns the start at once when its gradient is already zero', () => {
    const result = minimizeLbfgs((x, g) => {
      g[0] = 2 * x[0]!;
      return x[0]! ** 2;
    }, new Float64Array(1));
    expect(result).toMatchObject({ iterations: 0, converged: true, value: 0 });
  });
});
