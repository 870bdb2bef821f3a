"""Root query fields, one mixin per resource, composed in `schema.root`."""
