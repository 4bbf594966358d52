"""A small terminal emulator: enough of VT100 to know what a progress bar leaves on screen.

It understands printable text, CR, LF, BS, and the CSI sequences progress bars use (erase in
line, cursor movement, show/hide cursor, colours). Any other escape raises, so that a bar that
starts drawing differently fails the test instead of being misread."""
import re

CSI = re.compile(r"\x1b\[([?0-9;]*)([A-Za-z])")
PARTIAL = re.compile(r"\x1b(\[[?0-9;]*)?$")


class Screen:
    def __init__(self, columns=100):
        self.columns = columns
        self.rows = [[]]
        self.row = 0
        self.col = 0
        self._pending = ""

    def feed(self, text):
        text = self._pending + text
        self._pending = ""
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "\x1b":
                m = CSI.match(text, i)
                if not m:
                    if PARTIAL.match(text, i):
                        self._pending = text[i:]  # a sequence split across reads
                        return
                    raise ValueError(f"unsupported escape {text[i:i + 12]!r}")
                self._csi(m.group(1), m.group(2))
                i = m.end()
                continue
            if ch == "\r":
                self.col = 0
            elif ch == "\n":
                self._down()
            elif ch == "\b":
                self.col = max(0, self.col - 1)
            elif ch >= " ":
                if self.col >= self.columns:  # autowrap
                    self.col = 0
                    self._down()
                line = self._line()
                line.extend(" " * (self.col - len(line) + 1))
                line[self.col] = ch
                self.col += 1
            i += 1

    def _line(self):
        return self.rows[self.row]

    def _down(self):
        self.row += 1
        if self.row == len(self.rows):
            self.rows.append([])

    def _csi(self, params, final):
        if params.startswith("?") and final in "hl":
            return  # cursor visibility and other private modes
        n = int(params.split(";")[0] or 1) if final in "ABCDG" else int(params or 0) if final in "JK" else 0
        line = self._line()
        if final == "K":
            if n == 0:
                del line[self.col:]
            elif n == 1:
                line[:self.col] = " " * min(self.col, len(line))
            else:
                line.clear()
        elif final == "A":
            self.row = max(0, self.row - n)
        elif final == "B":
            for _ in range(n):
                self._down()
        elif final == "C":
            self.col += n
        elif final == "D":
            self.col = max(0, self.col - n)
        elif final == "G":
            self.col = n - 1
        elif final == "J" and n == 0:
            del line[self.col:]
            del self.rows[self.row + 1:]
        elif final == "m":
            pass  # colours
        else:
            raise ValueError(f"unsupported CSI {params!r}{final}")

    def lines(self):
        return ["".join(r).rstrip() for r in self.rows]

    def text(self):
        return "\n".join(self.lines()).rstrip("\n")
