"""Shared by the step tests of lessons 05 and 06: an optimiser stand-in that records gradients."""


class Recorder:
    """An optimiser stand-in that keeps a copy of each parameter's gradient at step() and changes nothing."""

    def __init__(self, params):
        self.params, self.grads = list(params), None

    def zero_grad(self, set_to_none=True):
        for p in self.params:
            p.grad = None

    def step(self):
        self.grads = [None if p.grad is None else p.grad.clone() for p in self.params]
