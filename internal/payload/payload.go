// Package payload is the data converter duban's Temporal clients and
// workers use: the SDK's default, with its JSON read by goccy/go-json
// instead of encoding/json.
//
// Payloads are written by encoding/json as before, so they are the same
// bytes under the same encoding ("json/plain"), and `duban reconcile` and
// Temporal's own tools read them as ever. (goccy/go-json would write them
// faster, but it does not know encoding/json's omitzero and writes the
// zero dates it leaves out.) Every update, local activity and workflow
// input carries a slip, and reading them was the larger part of the JSON's
// cost.
package payload

import (
	"fmt"

	gojson "github.com/goccy/go-json"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
)

// Converter is the SDK's default data converter with JSONConverter in place
// of its JSON payload converter, in the same order.
var Converter = converter.NewCompositeDataConverter(
	converter.NewNilPayloadConverter(),
	converter.NewByteSlicePayloadConverter(),
	converter.NewProtoJSONPayloadConverter(),
	converter.NewProtoPayloadConverter(),
	&JSONConverter{},
)

// JSONConverter is the SDK's converter.JSONPayloadConverter, reading with
// goccy/go-json into the same values as encoding/json does.
type JSONConverter struct {
	converter.JSONPayloadConverter
}

// FromPayload decodes the payload's JSON into valuePtr.
func (*JSONConverter) FromPayload(payload *commonpb.Payload, valuePtr any) error {
	if err := gojson.Unmarshal(payload.GetData(), valuePtr); err != nil {
		return fmt.Errorf("%w: %v", converter.ErrUnableToDecode, err)
	}
	return nil
}
