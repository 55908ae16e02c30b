"""netfinger: find Hikvision and Dahua equipment, own-brand or rebranded, and its known backdoors."""

__version__ = "0.1.0"
