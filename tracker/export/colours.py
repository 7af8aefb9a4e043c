"""Colour contrast as WCAG 2.1 defines it: the report's text must reach 4.5:1 on its background."""

MINIMUM_CONTRAST = 4.5


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    """Relative luminance of "1F3864" or "#1F3864"."""
    value = hex_colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def grey_level(hex_colour: str) -> float:
    """The grey (0 black … 255 white) a colour prints as in greyscale: ITU-R BT.601 luma, what
    printers' and Pillow's greyscale conversions use."""
    value = hex_colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return 0.299 * red + 0.587 * green + 0.114 * blue


def contrast(foreground: str, background: str = "FFFFFF") -> float:
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
