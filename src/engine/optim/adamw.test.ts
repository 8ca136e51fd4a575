import { describe, expect, it } from 'vitest';
import { adamwStep, createAdamState, type AdamWParams } from './adamw.js';

/** float32 storage of m, v and p puts the result within a few float32 ulps of a float64 reference. */
const FLOAT32_REFERENCE_TOLERANCE = 1e-6;

const INITIAL = [0.5, -1.25, 2.0, 0.0, -0.003, 3.75];
const HYPER: AdamWParams = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1 };

/** Deterministic gradient of step `step` (1-based), mixing signs and magnitudes. */
function gradientAt(step: number): number[] {
  return INITIAL.map((_, i) => (i + 1) * 0.37 * (-1) ** (i + step) + 0.05 * step - 0.1);
}

/** Slow float64 AdamW straight from the formulas of Loshchilov & Hutter (2019), Algorithm 2. */
function referenceAdamW(steps: number, hyper: AdamWParams): number[] {
  const p = [...INITIAL];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  for (let t = 1; t <= steps; t++) {
    const g = Float32Array.from(gradientAt(t));
    for (let i = 0; i < p.length; i++) {
      p[i] -= hyper.learningRate * hyper.weightDecay * p[i];
      m[i] = hyper.beta1 * m[i] + (1 - hyper.beta1) * g[i];
      v[i] = hyper.beta2 * v[i] + (1 - hyper.beta2) * g[i] ** 2;
      const mHat = m[i] / (1 - hyper.beta1 ** t);
      const vHat = v[i] / (1 - hyper.beta2 ** t);
      p[i] -= (hyper.learningRate * mHat) / (Math.sqrt(vHat) + hyper.epsilon);
    }
  }
  return p;
}

function runAdamW(steps: number, weightDecay?: number): { param: Float32Array; trajectory: number[][] } {
  const param = Float32Array.from(INITIAL);
  const state = createAdamState(param.length);
  const trajectory: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    adamwStep({ param, grad: Float32Array.from(gradientAt(t)), state, params: HYPER, weightDecay });
    trajectory.push([...param]);
  }
  expect(state.step).toBe(steps);
  return { param, trajectory };
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(
      tolerance * Math.max(1, Math.abs(expected[i])),
    );
  }
}

// Produced by /usr/bin/python3 (Debian python3-torch 1.13.0) with
// torch.optim.AdamW([p], lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=wd, foreach=False),
// p = INITIAL and p.grad = gradientAt(step) for steps 1..4; p.tolist() after each step.
const TORCH_TRAJECTORY_WD_0_1 = [
  [
    0.5095000267028809, -1.2587499618530273, 2.008000135421753, -0.009999997913837433, 0.007002999074757099,
    3.736250162124634,
  ],
  [
    0.5090969204902649, -1.2566157579421997, 2.0056862831115723, -0.009291970171034336, 0.006603045389056206,
    3.733154058456421,
  ],
  [
    0.5118316411972046, -1.2587591409683228, 2.007004976272583, -0.012662936002016068, 0.009934674017131329,
    3.7260477542877197,
  ],
  [
    0.5100405216217041, -1.2573974132537842, 2.0042061805725098, -0.012332082726061344, 0.009237407706677914,
    3.722710132598877,
  ],
];
const TORCH_TRAJECTORY_WD_0 = [
  [
    0.5099999904632568, -1.2599999904632568, 2.009999990463257, -0.009999997913837433, 0.006999998819082975,
    3.740000009536743,
  ],
  [
    0.5101063847541809, -1.259124517440796, 2.0096940994262695, -0.009301969781517982, 0.006607048213481903,
    3.740640163421631,
  ],
  [
    0.5133501887321472, -1.2625244855880737, 2.0130183696746826, -0.012682227417826653, 0.00994527991861105,
    3.737267017364502,
  ],
  [
    0.512070894241333, -1.2624214887619019, 2.0122265815734863, -0.012364037334918976, 0.009257948026061058,
    3.7376554012298584,
  ],
];
const TORCH_M_AFTER_4 = [
  0.017552001401782036, -0.0025389979127794504, 0.030946021899580956, -0.015933020040392876,
  0.04434002935886383, -0.029326999559998512,
];
const TORCH_V_AFTER_4 = [
  0.0006356952944770455, 0.0020542547572404146, 0.005157781299203634, 0.008467751555144787,
  0.014054100960493088, 0.019255483523011208,
];

describe('adamwStep', () => {
  it('matches a float64 reference over several steps', () => {
    for (const steps of [1, 2, 5, 20]) {
      expectClose(runAdamW(steps).param, referenceAdamW(steps, HYPER), FLOAT32_REFERENCE_TOLERANCE);
    }
  });

  it('matches torch.optim.AdamW step by step, with and without weight decay', () => {
    runAdamW(4).trajectory.forEach((params, step) =>
      expectClose(params, TORCH_TRAJECTORY_WD_0_1[step], FLOAT32_REFERENCE_TOLERANCE),
    );
    runAdamW(4, 0).trajectory.forEach((params, step) =>
      expectClose(params, TORCH_TRAJECTORY_WD_0[step], FLOAT32_REFERENCE_TOLERANCE),
    );
  });

  it('keeps the same moment estimates as PyTorch', () => {
    const param = Float32Array.from(INITIAL);
    const state = createAdamState(param.length);
    for (let t = 1; t <= 4; t++)
      adamwStep({ param, grad: Float32Array.from(gradientAt(t)), state, params: HYPER });
    expectClose(state.m, TORCH_M_AFTER_4, FLOAT32_REFERENCE_TOLERANCE);
    expectClose(state.v, TORCH_V_AFTER_4, FLOAT32_REFERENCE_TOLERANCE);
  });

  it('lets a per-parameter weight decay override the shared one', () => {
    expectClose(
      runAdamW(3, 0).param,
      referenceAdamW(3, { ...HYPER, weightDecay: 0 }),
      FLOAT32_REFERENCE_TOLERANCE,
    );
    expect(runAdamW(3, 0).param[5]).not.toBeCloseTo(runAdamW(3).param[5], 5);
  });

  it('moves each parameter by about lr against the gradient sign on the first step', () => {
    const param = new Float32Array([1, 1]);
    adamwStep({
      param,
      grad: new Float32Array([2, -3]),
      state: createAdamState(2),
      params: { ...HYPER, weightDecay: 0 },
    });
    expectClose(param, [0.99, 1.01], FLOAT32_REFERENCE_TOLERANCE);
  });

  it('rejects mismatched lengths and out-of-range hyperparameters', () => {
    const ok = {
      param: new Float32Array(2),
      grad: new Float32Array(2),
      state: createAdamState(2),
      params: HYPER,
    };
    const shape = expect.objectContaining({ code: 'shape_mismatch' });
    const argument = expect.objectContaining({ code: 'invalid_argument' });
    expect(() => adamwStep({ ...ok, grad: new Float32Array(3) })).toThrow(shape);
    expect(() => adamwStep({ ...ok, state: createAdamState(1) })).toThrow(shape);
    expect(() => adamwStep({ ...ok, params: { ...HYPER, learningRate: -1 } })).toThrow(argument);
    expect(() => adamwStep({ ...ok, params: { ...HYPER, beta1: 1 } })).toThrow(argument);
    expect(() => adamwStep({ ...ok, params: { ...HYPER, beta2: -0.1 } })).toThrow(argument);
    expect(() => adamwStep({ ...ok, params: { ...HYPER, epsilon: Number.NaN } })).toThrow(argument);
    expect(() => adamwStep({ ...ok, weightDecay: -0.5 })).toThrow(argument);
    expect(ok.state.step).toBe(0);
  });
});
