"""QR symbols for label sheets: the very symbol `passports.qr` builds (same version, same
codewords, same mask), built with tables and whole arrays instead of module by module.

A sheet of a thousand labels is a thousand fresh symbols. `qrcode` writes the data bit by bit,
divides polynomials for the error correction, and draws the symbol eight times, once per mask,
scoring each with nested Python loops: most of the time a sheet takes. Here the bits are
gathered in one integer, the Reed-Solomon codewords come from log/antilog tables (the same
field and generator polynomials), the modules that do not depend on the data (finder, timing
and alignment patterns, format and version areas, the mask over the data area) are drawn once
per version and mask by `qrcode` and kept, a symbol is one XOR of its data bits over the data
area, and the four penalty rules of ISO/IEC 18004 (§7.8.3) are counted for the eight masks at
once on arrays. The scores, and so the mask, are those of `qrcode.util.lost_point` (the first
lowest wins); the tests hold the result to `passports.qr` symbol for symbol.
"""

from bisect import bisect_left
from functools import lru_cache

import numpy as np
import qrcode
from numpy.lib.stride_tricks import sliding_window_view
from qrcode import LUT
from qrcode import base
from qrcode import util
from qrcode.exceptions import DataOverflowError

from passports.qr import ERROR_CORRECTION
from passports.qr import QUIET_ZONE

# Rule 3: dark-light-dark-dark-dark-light-dark with four light modules after or before it.
_FINDER_LIKE = (
    np.array([1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0], dtype=bool),
    np.array([0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1], dtype=bool),
)


def _blank(version: int, data: list, test: bool, mask: int) -> list[list]:
    """The modules `qrcode` draws for a version and mask, with the data given (no border)."""
    code = qrcode.QRCode(version=version, error_correction=ERROR_CORRECTION, border=0)
    code.data_cache = data
    code.makeImpl(test, mask)
    return code.modules


@lru_cache(maxsize=16)
def _data_area(version: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the data modules, in the order `qrcode` places the bits."""
    code = qrcode.QRCode(version=version, error_correction=ERROR_CORRECTION, border=0)
    count = code.modules_count = version * 4 + 17
    code.modules = [[None] * count for _ in range(count)]
    code.setup_position_probe_pattern(0, 0)
    code.setup_position_probe_pattern(count - 7, 0)
    code.setup_position_probe_pattern(0, count - 7)
    code.setup_position_adjust_pattern()
    code.setup_timing_pattern()
    code.setup_type_info(True, 0)
    if version >= 7:
        code.setup_type_number(True)
    free = code.modules
    rows, cols = [], []
    # The placement walk of qrcode.main.QRCode.map_data: two-module columns from the right,
    # up and down in turn, skipping the vertical timing pattern.
    row, step = count - 1, -1
    for col in range(count - 1, 0, -2):
        if col <= 6:
            col -= 1
        while True:
            for c in (col, col - 1):
                if free[row][c] is None:
                    rows.append(row)
                    cols.append(c)
            row += step
            if row < 0 or row >= count:
                row -= step
                step = -step
                break
    return np.array(rows, dtype=np.intp), np.array(cols, dtype=np.intp)


@lru_cache(maxsize=128)
def _without_data(version: int, mask: int, test: bool) -> np.ndarray:
    """The symbol of no data (all data bits 0): function patterns, format and version
    information (light in `qrcode`'s trial drawings) and the mask over the data area."""
    return np.array(_blank(version, [], test, mask), dtype=bool)


class _Bits:
    """Bits appended to one integer, as `qrcode.util.BitBuffer` appends them one by one."""

    def __init__(self):
        self.value = 0
        self.length = 0

    def put(self, number: int, length: int) -> None:
        """Append the low `length` bits of `number`, most significant first."""
        self.value = (self.value << length) | (number & ((1 << length) - 1))
        self.length += length

    def __len__(self) -> int:
        return self.length


def _written(data_list, version: int) -> _Bits:
    bits = _Bits()
    sizes = util.mode_sizes_for_version(version)
    for data in data_list:
        bits.put(data.mode, 4)
        bits.put(len(data), sizes[data.mode])
        data.write(bits)
    return bits


def _version(data_list, start: int = 1) -> int:
    """The smallest version that holds the data (`qrcode.QRCode.best_fit`)."""
    needed = len(_written(data_list, start))
    version = bisect_left(util.BIT_LIMIT_TABLE[ERROR_CORRECTION], needed, start)
    if version == 41:
        raise DataOverflowError()
    if util.mode_sizes_for_version(version) is not util.mode_sizes_for_version(start):
        return _version(data_list, version)
    return version


@lru_cache(maxsize=64)
def _generator_logs(ec_count: int) -> tuple[int | None, ...]:
    """Logs of the generator polynomial's coefficients after the leading 1 (None for 0)."""
    if ec_count in LUT.rsPoly_LUT:
        poly = list(LUT.rsPoly_LUT[ec_count])
    else:
        poly = [1]
        for i in range(ec_count):
            poly = list(base.Polynomial(poly, 0) * base.Polynomial([1, base.gexp(i)], 0))
    return tuple(base.LOG_TABLE[c] if c else None for c in poly[1:])


@lru_cache(maxsize=1)
def _products() -> np.ndarray:
    """The multiplication table of GF(256) as `qrcode` defines the field (its log tables)."""
    exp, log = base.EXP_TABLE, base.LOG_TABLE
    table = np.zeros((256, 256), dtype=np.uint8)
    for a in range(1, 256):
        for b in range(1, 256):
            table[a, b] = exp[(log[a] + log[b]) % 255]
    return table


@lru_cache(maxsize=64)
def _generator(ec_count: int) -> np.ndarray:
    """The generator polynomial's coefficients after the leading 1."""
    exp = base.EXP_TABLE
    return np.array([0 if g is None else exp[g] for g in _generator_logs(ec_count)], np.uint8)


def _error_correction(block: bytes, ec_count: int) -> list[int]:
    """The Reed-Solomon codewords of a block: its remainder by the generator polynomial."""
    products = _products()[:, _generator(ec_count)]  # row f: f × each coefficient
    remainder = np.zeros(ec_count + 1, dtype=np.uint8)
    for byte in block:
        factor = byte ^ int(remainder[0])
        remainder[:-1] = remainder[1:]
        remainder[-1] = 0
        remainder[:-1] ^= products[factor]
    return remainder[:-1].tolist()


def codewords(version: int, data_list) -> list[int]:
    """The data and error correction codewords, interleaved (`qrcode.util.create_data`)."""
    bits = _written(data_list, version)
    blocks = base.rs_blocks(version, ERROR_CORRECTION)
    limit = sum(b.data_count * 8 for b in blocks)
    if len(bits) > limit:
        raise DataOverflowError()
    bits.put(0, min(limit - len(bits), 4))  # terminator
    if len(bits) % 8:
        bits.put(0, 8 - len(bits) % 8)
    for i in range((limit - len(bits)) // 8):
        bits.put(util.PAD0 if i % 2 == 0 else util.PAD1, 8)
    data = bits.value.to_bytes(limit // 8, "big")
    dc, ec, offset = [], [], 0
    for b in blocks:
        dc.append(data[offset : offset + b.data_count])
        ec.append(_error_correction(dc[-1], b.total_count - b.data_count))
        offset += b.data_count
    out = []
    for i in range(max(len(d) for d in dc)):
        out += [d[i] for d in dc if i < len(d)]
    for i in range(max(len(e) for e in ec)):
        out += [e[i] for e in ec if i < len(e)]
    return out


def _runs_penalty(lines: np.ndarray) -> np.ndarray:
    """Rule 1 for each mask (axis 0): a run of five or more modules of one colour along a line
    costs its length - 2."""
    masks, count, width = lines.shape
    # All lines laid end to end, each closed by a value that is neither colour.
    flat = np.full((masks * count, width + 1), 2, np.int8)
    flat[:, :width] = lines.reshape(masks * count, width)
    flat = flat.ravel()
    edges = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    starts = np.concatenate(([0], edges))
    lengths = np.diff(np.concatenate((starts, [flat.size])))
    cost = np.where((flat[starts] != 2) & (lengths >= 5), lengths - 2, 0)
    return np.bincount(starts // ((width + 1) * count), weights=cost, minlength=masks)


_WEIGHTS = 1 << np.arange(10, -1, -1)
_FINDER_CODES = [int(p.astype(int) @ _WEIGHTS) for p in _FINDER_LIKE]


def _finder_penalty(lines: np.ndarray) -> np.ndarray:
    """Rule 3 for each mask: 40 for each finder-like pattern along a line."""
    codes = sliding_window_view(lines, 11, axis=2).astype(np.int32) @ _WEIGHTS
    found = (codes == _FINDER_CODES[0]) | (codes == _FINDER_CODES[1])
    return 40 * found.sum(axis=(1, 2))


def penalties(trials: np.ndarray) -> list[int]:
    """The penalty score of each symbol (no border) stacked on axis 0, as
    `qrcode.util.lost_point` counts it."""
    masks, count = trials.shape[0], trials.shape[1]
    # Rows and columns alike: the symbols and their transposes, scored in one go.
    lines = np.concatenate((trials, trials.transpose(0, 2, 1)))
    by_line = _runs_penalty(lines) + _finder_penalty(lines)
    scores = by_line[:masks] + by_line[masks:]
    corner = trials[:, :-1, :-1]
    blocks = (
        (corner == trials[:, 1:, :-1])
        & (corner == trials[:, :-1, 1:])
        & (corner == trials[:, 1:, 1:])
    )
    scores = scores + 3 * blocks.sum(axis=(1, 2))
    out = []
    for score, dark in zip(scores.tolist(), trials.sum(axis=(1, 2)).tolist(), strict=True):
        percent = float(dark) / (count**2)
        out.append(int(score) + 10 * int(abs(percent * 100 - 50) / 5))
    return out


@lru_cache(maxsize=16)
def _trial_ground(version: int) -> np.ndarray:
    """The eight trial drawings of no data, stacked (masks on axis 0)."""
    return np.stack([_without_data(version, mask, True) for mask in range(8)])


def symbol(data: str) -> np.ndarray:
    """The QR symbol of `data` as a square array, True for dark, quiet zone included."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE)
    code.add_data(data)
    version = _version(code.data_list)
    rows, cols = _data_area(version)
    bits = np.zeros(rows.size, dtype=bool)
    unpacked = np.unpackbits(np.frombuffer(bytes(codewords(version, code.data_list)), np.uint8))
    bits[: min(bits.size, unpacked.size)] = unpacked[: bits.size].astype(bool)

    trials = _trial_ground(version).copy()
    trials[:, rows, cols] ^= bits
    scores = penalties(trials)
    best = scores.index(min(scores))
    modules = _without_data(version, best, False).copy()
    modules[rows, cols] ^= bits
    return np.pad(modules, QUIET_ZONE, constant_values=False)


def dark_runs(modules: np.ndarray) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules as (row, first column, length)."""
    width = modules.shape[1]
    padded = np.zeros((modules.shape[0], width + 2), dtype=np.int8)
    padded[:, 1:-1] = modules
    steps = np.diff(padded, axis=1)
    starts_r, starts_c = np.nonzero(steps == 1)
    _ends_r, ends_c = np.nonzero(steps == -1)
    return list(
        zip(starts_r.tolist(), starts_c.tolist(), (ends_c - starts_c).tolist(), strict=True)
    )
