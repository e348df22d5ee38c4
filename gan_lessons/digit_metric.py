"""How good are generated digits? A number beside the losses, because GAN losses say nothing about quality.

Three measurements, all on images [N, 1, 28, 28] in [-1, 1]:
- frechet_distance: the FID idea (Heusel et al. 2017) with a small digit classifier in place of Inception.
  Fit a Gaussian to classifier features of the samples and one to those of real digits; FD is the Fréchet
  (2-Wasserstein) distance between them: ||mu1 - mu2||^2 + tr(S1 + S2 - 2 (S1 S2)^(1/2)). Lower is better;
  it punishes both bad digits (means move) and missing variety (covariance shrinks).
- classes_covered: how many of the ten digits the classifier sees in the samples (mode collapse shows here).
- sharpness: the variance of the Laplacian, high for crisp strokes and low for blur.

The classifier is trained by this module on load_digits() in seconds and cached (shipped) in
gan_lessons/weights/digit_classifier.pt, so every lesson measures with the same ruler.
"""
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from gan_lessons import checkpoints

CLASSIFIER_PATH = checkpoints.WEIGHTS_DIR / "digit_classifier.pt"
_LAPLACIAN = torch.tensor([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]]).view(1, 1, 3, 3)
_CACHE = {}


def _check_images(images) -> torch.Tensor:
    images = torch.as_tensor(images)
    if images.dim() != 4 or tuple(images.shape[1:]) != (1, 28, 28):
        raise ValueError(f"expected digit images of shape [N, 1, 28, 28] in [-1, 1], got {tuple(images.shape)}: "
                         f"reshape generator output with .view(-1, 1, 28, 28).")
    if len(images) < 2:
        raise ValueError(f"need at least 2 images to measure a distribution, got {len(images)}.")
    if not torch.isfinite(images).all():
        raise ValueError("the images contain NaN or inf: the generator diverged, so there is nothing to measure.")
    return images.float()


def sharpness(images) -> float:
    """Mean over images of the variance of the Laplacian (pixels in [-1, 1]); the real digits here score about 0.75."""
    images = _check_images(images).cpu()
    lap = F.conv2d(images, _LAPLACIAN)  # [N,1,28,28] -> [N,1,26,26], no padding so borders add no fake edges
    return lap.flatten(1).var(dim=1, correction=0).mean().item()


def frechet_from_stats(mu1, s1, mu2, s2) -> float:
    """||mu1 - mu2||^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2)), in float64.

    tr((S1 S2)^(1/2)) equals the sum of square roots of the eigenvalues of A S2 A with A = S1^(1/2), a
    symmetric PSD matrix, so two eigh calls replace scipy.linalg.sqrtm and never return complex noise or
    fail on the near-singular covariances that collapsed generators produce.
    """
    mu1, mu2 = np.asarray(mu1, np.float64), np.asarray(mu2, np.float64)
    s1, s2 = np.asarray(s1, np.float64), np.asarray(s2, np.float64)
    w, v = np.linalg.eigh((s1 + s1.T) / 2)
    a = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    m = a @ s2 @ a
    tr_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh((m + m.T) / 2), 0, None)).sum()
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * tr_sqrt)


def _stats(features: torch.Tensor):
    f = features.double().cpu().numpy()
    return f.mean(axis=0), np.cov(f, rowvar=False)


class DigitClassifier(nn.Module):
    """A small CNN: 28x28 digit -> 64 features -> 10 logits. Features are the FD's embedding."""

    def __init__(self, width: int = 16, n_features: int = 64):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, width, 3, stride=2, padding=1), nn.ReLU(),              # 1x28x28 -> w x14x14
            nn.Conv2d(width, 2 * width, 3, stride=2, padding=1), nn.ReLU(),      # w x14x14 -> 2w x7x7
            nn.Conv2d(2 * width, 4 * width, 3, stride=2, padding=1), nn.ReLU(),  # 2w x7x7 -> 4w x4x4
            nn.Flatten(),                                                        # -> 64w
            nn.Linear(4 * width * 16, n_features),                               # -> features (pre-ReLU)
        )
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(n_features, 10))          # features -> 10 logits
        # saved in the state_dict so a shipped file says how good the ruler is
        self.register_buffer("val_accuracy", torch.zeros(()))

    def forward(self, x):
        return self.head(self.body(x))


def _shift(x: torch.Tensor, gen: torch.Generator, max_shift: int = 2) -> torch.Tensor:
    """Random translations of up to 2 pixels, so the ruler does not overfit 5k digits' exact positions."""
    padded = F.pad(x, (max_shift,) * 4, value=-1.0)
    dx, dy = torch.randint(0, 2 * max_shift + 1, (2,), generator=gen).tolist()
    return padded[:, :, dy:dy + 28, dx:dx + 28]


def train_classifier(digits, epochs: int = 10, batch_size: int = 128, seed: int = 0, verbose: bool = True):
    """Train DigitClassifier on 90 % of `digits`, measure accuracy on the other 10 %; a few seconds on a CPU."""
    with torch.random.fork_rng():  # leave the caller's random stream untouched: same seed, same numbers
        torch.manual_seed(seed)
        gen = torch.Generator().manual_seed(seed)
        n = len(digits.labels)
        order = torch.randperm(n, generator=gen)
        val, train = order[: n // 10], order[n // 10:]
        x, y = digits.images[train], digits.labels[train]
        model = DigitClassifier()
        opt = torch.optim.Adam(model.parameters(), lr=2e-3)
        for _ in range(epochs):
            perm = torch.randperm(len(train), generator=gen)
            for i in range(0, len(train), batch_size):
                idx = perm[i:i + batch_size]
                loss = F.cross_entropy(model(_shift(x[idx], gen)), y[idx])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
        model.eval()
        with torch.no_grad():
            acc = (model(digits.images[val]).argmax(1) == digits.labels[val]).float().mean()
        model.val_accuracy.fill_(acc)
    if verbose:
        print(f"digit classifier: trained {epochs} epochs on {len(train):,} digits, "
              f"held-out accuracy {acc.item():.1%}")
    return model


def _classes(probs: torch.Tensor, min_fraction: float = 0.05) -> int:
    """Digits that receive at least `min_fraction` of the predictions (see DigitMetric.classes_covered)."""
    counts = torch.bincount(probs.argmax(1), minlength=10)
    return int((counts >= min_fraction * len(probs)).sum())


class DigitMetric:
    """Frechet distance on classifier features, classes covered, sharpness. Build with load_metric()."""

    def __init__(self, classifier: DigitClassifier, real_images: torch.Tensor, source: str, device="cpu"):
        self.device = torch.device(device)
        self.classifier = classifier.to(self.device).eval()
        self.source = source
        self.real_images = real_images
        self.real_mu, self.real_cov = _stats(self.features(real_images))
        self.real_sharpness = sharpness(real_images)

    @torch.no_grad()
    def _run(self, images, part):
        images = _check_images(images)
        outs = [part(images[i:i + 1000].to(self.device)).cpu() for i in range(0, len(images), 1000)]
        return torch.cat(outs)

    def features(self, images) -> torch.Tensor:
        """[N, 1, 28, 28] in [-1, 1] -> [N, 64] classifier features (float32, on the CPU)."""
        return self._run(images, self.classifier.body)

    def predict(self, images) -> torch.Tensor:
        """Class probabilities [N, 10]."""
        return self._run(images, lambda x: self.classifier(x).softmax(1))

    def frechet_distance(self, samples, real=None) -> float:
        """FD between features of `samples` and of `real` (default: the reference digits). Use >= 1000
        samples when comparing numbers: FD is biased upward for small N (the covariance is noisier)."""
        if real is None:
            mu2, s2 = self.real_mu, self.real_cov
        else:
            mu2, s2 = _stats(self.features(real))
        mu1, s1 = _stats(self.features(samples))
        return frechet_from_stats(mu1, s1, mu2, s2)

    def classes_covered(self, samples, min_fraction: float = 0.05) -> int:
        """How many digits receive at least `min_fraction` of the predictions: 0.05 is half the fair share of 0.1,
        above the classifier's worst confusion rate on real digits (about 3 %), so misreadings do not count."""
        return _classes(self.predict(samples), min_fraction)

    def evaluate(self, samples) -> dict:
        """fd, classes, sharpness (and real digits' sharpness), confident = share of samples the classifier
        labels with probability > 0.9 (a proxy for 'recognizable'). One classifier pass for all of them."""
        feats = self.features(samples)
        with torch.no_grad():
            probs = self.classifier.head(feats.to(self.device)).softmax(1).cpu()
        return {
            "fd": frechet_from_stats(*_stats(feats), self.real_mu, self.real_cov),
            "classes": _classes(probs),
            "confident": probs.max(1).values.gt(0.9).float().mean().item(),
            "sharpness": sharpness(samples),
            "real_sharpness": self.real_sharpness,
        }


def load_classifier(path=CLASSIFIER_PATH, digits=None, verbose: bool = True) -> DigitClassifier:
    """The shipped classifier; train and save it on first use when the file is absent."""
    model = DigitClassifier()
    if not path.exists():
        from gan_lessons.digit_data import load_digits
        digits = digits if digits is not None else load_digits(verbose=verbose)
        model = train_classifier(digits, verbose=verbose)
        checkpoints.save(model, path)
        if verbose:
            print(f"digit classifier saved to {path}")
        return model
    return checkpoints.load(model, path)


def load_metric(device=None, digits=None, verbose: bool = True) -> DigitMetric:
    """The course's ruler, built once per process and device (reference: up to 5,000 real digits).
    Pass the `digits` you already loaded to skip loading them again (parsing the offline set takes seconds)."""
    device = torch.device(device if device is not None else "cpu")
    if str(device) not in _CACHE:
        from gan_lessons.digit_data import load_digits
        digits = digits if digits is not None else load_digits(verbose=verbose)
        classifier = load_classifier(digits=digits, verbose=verbose)
        real = digits.images
        if len(real) > 5000:  # online MNIST: a fixed subset keeps the reference as cheap as offline
            real = real[torch.randperm(len(real), generator=torch.Generator().manual_seed(0))[:5000]]
        _CACHE[str(device)] = DigitMetric(classifier, real, digits.source, device)
        if verbose:
            print(f"digit metric: classifier held-out accuracy {classifier.val_accuracy.item():.1%}; "
                  f"reference = {len(real):,} real digits")
    return _CACHE[str(device)]
