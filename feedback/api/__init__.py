"""The JSON API of the portal, for the province's mobile app and the units' software."""
