"""The REST surface: Qiita's routes, encodings and error bodies, over the resolvers."""
