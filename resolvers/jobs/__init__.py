"""Processing jobs: status machine, submission, dispatch, completion, validators, workflows."""
