"""Hidden rows and columns of a legacy .xls (BIFF8), which calamine does not
report: the workbook stream (read with olefile) lists each sheet's offset in
its BOUNDSHEET records; in a sheet's substream a ROW record with the
fDyZero flag is a hidden row and a COLINFO record with fHidden hides columns."""

from __future__ import annotations

import io
import struct

_BOF, _EOF, _BOUNDSHEET, _ROW, _COLINFO = 0x0809, 0x000A, 0x0085, 0x0208, 0x007D


def _records(stream: bytes, pos: int):
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        yield kind, stream[pos + 4 : pos + 4 + size]
        pos += 4 + size


def _sheet_name(data: bytes) -> str | None:
    """BOUNDSHEET: offset(4) visibility(1) type(1), then a short unicode string."""
    if len(data) < 8:
        return None
    n, flags = data[6], data[7]
    raw = data[8:]
    return raw[: 2 * n].decode("utf-16-le", "replace") if flags & 1 else raw[:n].decode("latin-1")


def xls_hidden_rows_and_columns(data: bytes) -> dict[str, tuple[set[int], set[int]]]:
    """Sheet name → (hidden rows, hidden columns), 0-based; {} when unreadable."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        name = "Workbook" if ole.exists("Workbook") else "Book"
        stream = ole.openstream(name).read()
    except Exception:  # damaged or unusual containers: calamine reports the damage
        return {}
    sheets = []
    for kind, body in _records(stream, 0):
        if kind == _BOUNDSHEET and len(body) >= 8:
            sheets.append((struct.unpack_from("<I", body, 0)[0], _sheet_name(body)))
        elif kind == _EOF:
            break  # the end of the workbook globals
    out = {}
    for offset, sheet in sheets:
        rows, cols = set(), set()
        for kind, body in _records(stream, offset):
            if kind == _ROW and len(body) >= 16:
                row, flags = struct.unpack_from("<H", body, 0)[0], struct.unpack_from("<H", body, 12)[0]
                if flags & 0x20:
                    rows.add(row)
            elif kind == _COLINFO and len(body) >= 10:
                first, last, _width, _xf, flags = struct.unpack_from("<HHHHH", body, 0)
                if flags & 1:
                    cols |= set(range(first, min(last, 255) + 1))
            elif kind == _EOF:
                break
        if sheet and (rows or cols):
            out[sheet] = (rows, cols)
    return out
