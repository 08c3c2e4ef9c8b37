"""Offline geodata: address data (countries, ZIP codes) and geocoding, no network."""
