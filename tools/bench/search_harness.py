"""The DCGAN search harness behind artifacts/dcgan_bench/ (the rows of its README), kept as it ran.

exploration harness (the _aug shift was this harness's before models.RandomShift; rows after it use DigitConfig's d_shift/beta2): python -m tools.bench.search_harness '{"batch_size":128,...,"_sn":1}' STEPS SEED THREADS [speed]"""
import json, sys, time, copy
import torch
from torch import nn
from gan_lessons import digit_gan, models
from gan_lessons.digit_gan import DCGAN, DigitGAN
from gan_lessons.digit_data import load_digits
from gan_lessons.digit_metric import load_metric
from torch.optim.swa_utils import AveragedModel

spec = json.loads(sys.argv[1]); steps = int(sys.argv[2]); seed = int(sys.argv[3]); threads = int(sys.argv[4])
speed = len(sys.argv) > 5
torch.set_num_threads(threads)
extra = {k: spec.pop(k) for k in list(spec) if k.startswith("_")}
if "_dbn" in extra: spec["d_batchnorm"] = bool(extra["_dbn"])

class D2(nn.Module):
    def __init__(self, ndf, bn=True, sn=False, lrelu=0.2):
        super().__init__()
        SN = nn.utils.parametrizations.spectral_norm if sn else (lambda m: m)
        layers = [SN(nn.Conv2d(1, ndf, 4, 2, 1)), nn.LeakyReLU(lrelu),
                  SN(nn.Conv2d(ndf, 2 * ndf, 4, 2, 1, bias=not bn))]
        if bn: layers.append(nn.BatchNorm2d(2 * ndf))
        layers += [nn.LeakyReLU(lrelu), SN(nn.Conv2d(2 * ndf, 1, 7, 1, 0)), nn.Flatten()]
        self.net = nn.Sequential(*layers)
    def forward(self, x): return self.net(x)

class Gup(nn.Module):
    def __init__(self, z_dim, ngf):
        super().__init__(); self.z_dim = z_dim
        self.net = nn.Sequential(
            nn.ConvTranspose2d(z_dim, 4*ngf, 7, 1, 0, bias=False), nn.BatchNorm2d(4*ngf), nn.ReLU(),
            nn.Upsample(scale_factor=2), nn.Conv2d(4*ngf, 2*ngf, 3, 1, 1, bias=False), nn.BatchNorm2d(2*ngf), nn.ReLU(),
            nn.Upsample(scale_factor=2), nn.Conv2d(2*ngf, 1, 3, 1, 1), nn.Tanh())
    def forward(self, z): return self.net(z.view(len(z), self.z_dim, 1, 1))

orig_build = digit_gan.build_models
def build(kind="dcgan", z_dim=64, width=16, d_width=None, d_batchnorm=True, *rest):
    G, D = orig_build(kind, z_dim, width, d_width, d_batchnorm, *rest)
    d_width = width if d_width is None else d_width
    if extra.get("_gup"): G = Gup(z_dim, width)
    if extra.get("_sn") or "_lrelu" in extra:
        D = D2(d_width, bn=extra.get("_dbn", 1), sn=extra.get("_sn", 0), lrelu=extra.get("_lrelu", 0.2))
    return G, D
digit_gan.build_models = build

import torch.nn.functional as F
def shift(x, r):
    n, _, h, w = x.shape
    xp = F.pad(x, (r, r, r, r), value=-1.0)
    dy = torch.randint(0, 2 * r + 1, (n,)); dx = torch.randint(0, 2 * r + 1, (n,))
    iy = torch.arange(h)[None] + dy[:, None]; ix = torch.arange(w)[None] + dx[:, None]
    return xp[torch.arange(n)[:, None, None], 0, iy[:, :, None], ix[:, None, :]].unsqueeze(1).contiguous(memory_format=torch.channels_last)
class AugD(nn.Module):
    def __init__(self, D, r):
        super().__init__(); self.D = D; self.r = r
    def forward(self, x):
        return self.D(shift(x, self.r) if self.training else x)
def add_dropout(D, p):
    seq = D.net
    new = []
    for m in seq:
        new.append(m)
        if isinstance(m, nn.LeakyReLU): new.append(nn.Dropout(p))
    D.net = nn.Sequential(*new)
    return D
_b0 = digit_gan.build_models
def build3(*a, **k):
    G, D = _b0(*a, **k)
    if extra.get("_drop"): D = add_dropout(D, extra["_drop"])
    if extra.get("_aug"): D = AugD(D, extra["_aug"])
    return G, D
digit_gan.build_models = build3

def _init(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0.0, 0.02)
        if m.bias is not None: nn.init.zeros_(m.bias)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1.0, 0.02); nn.init.zeros_(m.bias)
if extra.get("_init"):
    _b = digit_gan.build_models
    def build2(*a, **k):
        G, D = _b(*a, **k)
        if extra["_init"] in (1, "both", "G"): G.apply(_init)
        if extra["_init"] in (1, "both", "D"): D.apply(_init)
        return G, D
    digit_gan.build_models = build2
config = DCGAN.but(**spec, seed=seed)
digits = load_digits(verbose=False)
torch.manual_seed(seed)
gan = DigitGAN(digits.images, config)
if "_beta2" in extra:
    for opt in (gan.opt_G, gan.opt_D):
        for g in opt.param_groups: g["betas"] = (g["betas"][0], extra["_beta2"])
if "_ema_warm" in extra:
    dec = extra["_ema_warm"]
    def avg_fn(ema_list, cur_list, num_averaged):
        d = min(dec, (1 + float(num_averaged)) / (10 + float(num_averaged)))
        for e, c in zip(ema_list, cur_list):
            if e.is_floating_point(): e.lerp_(c, 1 - d)
            else: e.copy_(c)
    gan.G_ema = AveragedModel(gan.G, multi_avg_fn=avg_fn, use_buffers=True)
if speed:
    for _ in range(20): gan.step()
    gan.train_seconds = 0; n0 = gan.steps
    while gan.train_seconds < steps: gan.step()
    n = gan.steps - n0
    print(json.dumps({"spec": sys.argv[1], "threads": threads, "steps_per_s": n / gan.train_seconds,
                      "steps_120": int(120 * n / gan.train_seconds)}), flush=True)
    sys.exit()
metric = load_metric(verbose=False, digits=digits)
out = {"spec": sys.argv[1], "seed": seed, "steps": steps}
marks = sorted({int(steps * f) for f in (0.5, 0.75, 1.0)})
t0 = time.time()
for m in marks:
    while gan.steps < m: gan.step()
    r = metric.evaluate(gan.sample(2000, seed=0))
    out[f"fd@{m}"] = round(r["fd"], 1); out[f"cl@{m}"] = r["classes"]
    out[f"conf@{m}"] = round(r["confident"], 2)
out["wall"] = round(time.time() - t0)
print(json.dumps(out), flush=True)
